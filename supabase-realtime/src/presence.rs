//! Presence state and Phoenix's diff rules (`syncState` / `syncDiff` of realtime-js).

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::RealtimeError;

/// One presence of a key: what a client tracked, plus the server's ref for it.
#[derive(Debug, Clone, PartialEq)]
pub struct Presence {
    /// The server's id for this presence (`phx_ref`).
    pub presence_ref: String,
    /// What the client passed to `track`.
    pub payload: Map<String, Value>,
}

impl Presence {
    /// The tracked payload decoded into `T`.
    ///
    /// ```
    /// use supabase_realtime::Presence;
    /// #[derive(serde::Deserialize)]
    /// struct Online { status: String }
    /// let mut payload = serde_json::Map::new();
    /// payload.insert("status".into(), "online".into());
    /// let p = Presence { presence_ref: "r1".into(), payload };
    /// assert_eq!(p.decode::<Online>()?.status, "online");
    /// # Ok::<(), supabase_realtime::RealtimeError>(())
    /// ```
    pub fn decode<T: DeserializeOwned>(&self) -> Result<T, RealtimeError> {
        serde_json::from_value(Value::Object(self.payload.clone())).map_err(|e| {
            RealtimeError::Decode {
                what: "presence payload",
                reason: e.to_string(),
            }
        })
    }
}

/// Every key's presences, as the channel knows them now.
pub type PresenceState = BTreeMap<String, Vec<Presence>>;

/// What happened to the channel's presence state.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum PresenceEvent {
    /// The state was updated (after a `presence_state` or a `presence_diff`).
    Sync,
    /// Presences joined under `key`.
    Join {
        /// The presence key.
        key: String,
        /// The key's presences before the join.
        current: Vec<Presence>,
        /// The presences that joined.
        new: Vec<Presence>,
    },
    /// Presences left `key`.
    Leave {
        /// The presence key.
        key: String,
        /// The key's presences after the leave.
        current: Vec<Presence>,
        /// The presences that left.
        left: Vec<Presence>,
    },
}

/// Turns the server's `{key: {metas: [{phx_ref, …}]}}` into presences.
pub(crate) fn transform(raw: &Value) -> Result<PresenceState, String> {
    let Value::Object(keys) = raw else {
        return Err("presence payload is not an object".into());
    };
    let mut state = PresenceState::new();
    for (key, entry) in keys {
        let metas = entry
            .get("metas")
            .and_then(Value::as_array)
            .ok_or_else(|| format!("presence `{key}` has no metas"))?;
        let mut presences = Vec::with_capacity(metas.len());
        for meta in metas {
            let Value::Object(meta) = meta else {
                return Err(format!("a meta of presence `{key}` is not an object"));
            };
            let mut payload = meta.clone();
            let presence_ref = match payload.remove("phx_ref") {
                Some(Value::String(r)) => r,
                Some(other) => other.to_string(),
                None => String::new(),
            };
            payload.remove("phx_ref_prev");
            presences.push(Presence {
                presence_ref,
                payload,
            });
        }
        state.insert(key.clone(), presences);
    }
    Ok(state)
}

fn refs(presences: &[Presence]) -> Vec<&str> {
    presences.iter().map(|p| p.presence_ref.as_str()).collect()
}

/// Applies a full state: what is missing leaves, what is new joins.
pub(crate) fn sync_state(
    state: &mut PresenceState,
    new_state: PresenceState,
    events: &mut Vec<PresenceEvent>,
) {
    let mut joins = PresenceState::new();
    let mut leaves = PresenceState::new();
    for (key, presences) in state.iter() {
        if !new_state.contains_key(key) {
            leaves.insert(key.clone(), presences.clone());
        }
    }
    for (key, new_presences) in new_state {
        match state.get(&key) {
            Some(current) => {
                let new_refs = refs(&new_presences);
                let cur_refs = refs(current);
                let joined: Vec<Presence> = new_presences
                    .iter()
                    .filter(|p| !cur_refs.contains(&p.presence_ref.as_str()))
                    .cloned()
                    .collect();
                let left: Vec<Presence> = current
                    .iter()
                    .filter(|p| !new_refs.contains(&p.presence_ref.as_str()))
                    .cloned()
                    .collect();
                if !joined.is_empty() {
                    joins.insert(key.clone(), joined);
                }
                if !left.is_empty() {
                    leaves.insert(key, left);
                }
            }
            None => {
                joins.insert(key, new_presences);
            }
        }
    }
    sync_diff(state, joins, leaves, events);
}

/// Applies a diff: joins first, then leaves.
pub(crate) fn sync_diff(
    state: &mut PresenceState,
    joins: PresenceState,
    leaves: PresenceState,
    events: &mut Vec<PresenceEvent>,
) {
    for (key, new_presences) in joins {
        let current = state.get(&key).cloned().unwrap_or_default();
        let mut next = new_presences.clone();
        if !current.is_empty() {
            let joined_refs = refs(&next);
            let kept: Vec<Presence> = current
                .iter()
                .filter(|p| !joined_refs.contains(&p.presence_ref.as_str()))
                .cloned()
                .collect();
            next.splice(0..0, kept);
        }
        state.insert(key.clone(), next);
        events.push(PresenceEvent::Join {
            key,
            current,
            new: new_presences,
        });
    }
    for (key, left) in leaves {
        let Some(current) = state.get(&key) else {
            continue;
        };
        let remove = refs(&left);
        let remaining: Vec<Presence> = current
            .iter()
            .filter(|p| !remove.contains(&p.presence_ref.as_str()))
            .cloned()
            .collect();
        if remaining.is_empty() {
            state.remove(&key);
        } else {
            state.insert(key.clone(), remaining.clone());
        }
        events.push(PresenceEvent::Leave {
            key,
            current: remaining,
            left,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn p(r: &str) -> Presence {
        Presence {
            presence_ref: r.into(),
            payload: Map::new(),
        }
    }

    #[test]
    fn transform_renames_phx_ref() {
        let s =
            transform(&json!({"u": {"metas": [{"x": 1, "phx_ref": "a", "phx_ref_prev": "z"}]}}))
                .unwrap();
        assert_eq!(s["u"][0].presence_ref, "a");
        assert_eq!(Value::Object(s["u"][0].payload.clone()), json!({"x": 1}));
        assert!(transform(&json!([1])).is_err());
        assert!(transform(&json!({"u": {}})).is_err());
    }

    #[test]
    fn diff_join_then_leave() {
        let mut state = PresenceState::new();
        let mut ev = vec![];
        sync_diff(
            &mut state,
            [("u".to_string(), vec![p("1")])].into(),
            PresenceState::new(),
            &mut ev,
        );
        // A second presence of the same key keeps the first one in front.
        sync_diff(
            &mut state,
            [("u".to_string(), vec![p("2")])].into(),
            PresenceState::new(),
            &mut ev,
        );
        assert_eq!(refs(&state["u"]), vec!["1", "2"]);
        sync_diff(
            &mut state,
            PresenceState::new(),
            [("u".to_string(), vec![p("1")])].into(),
            &mut ev,
        );
        assert_eq!(refs(&state["u"]), vec!["2"]);
        sync_diff(
            &mut state,
            PresenceState::new(),
            [
                ("u".to_string(), vec![p("2")]),
                ("ghost".to_string(), vec![p("9")]),
            ]
            .into(),
            &mut ev,
        );
        assert!(state.is_empty());
        // The leave of an unknown key is ignored.
        assert_eq!(ev.len(), 4);
        assert!(matches!(&ev[0], PresenceEvent::Join { current, .. } if current.is_empty()));
        assert!(matches!(&ev[3], PresenceEvent::Leave { current, .. } if current.is_empty()));
    }

    #[test]
    fn state_computes_joins_and_leaves() {
        let mut state: PresenceState = [
            ("a".to_string(), vec![p("1"), p("2")]),
            ("gone".to_string(), vec![p("3")]),
        ]
        .into();
        let mut ev = vec![];
        sync_state(
            &mut state,
            [
                ("a".to_string(), vec![p("2"), p("4")]),
                ("new".to_string(), vec![p("5")]),
            ]
            .into(),
            &mut ev,
        );
        assert_eq!(refs(&state["a"]), vec!["2", "4"]);
        assert_eq!(refs(&state["new"]), vec!["5"]);
        assert!(!state.contains_key("gone"));
        let joins = ev
            .iter()
            .filter(|e| matches!(e, PresenceEvent::Join { .. }))
            .count();
        let leaves = ev
            .iter()
            .filter(|e| matches!(e, PresenceEvent::Leave { .. }))
            .count();
        assert_eq!((joins, leaves), (2, 2));
    }
}
