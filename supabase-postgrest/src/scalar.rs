//! [`Scalar`]: one element of a list filter, the type that the value traits produce and the
//! encoders read (its own module, so that neither depends on the other).

/// One element of a list filter, as PostgREST should read it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Scalar {
    /// Text: quoted and escaped when the surrounding grammar needs it.
    Text(String),
    /// A number or boolean, written as is (it never needs quoting).
    Literal(String),
    /// SQL `NULL` (`null` in `in` lists, `NULL` in array literals).
    Null,
}
