//! The Phoenix wire format of realtime-js 2.x (`vsn=2.0.0`): JSON arrays
//! `[join_ref, ref, topic, event, payload]` for text frames, and binary frames for user
//! broadcasts (kind 3 client → server, kind 4 server → client).

use serde_json::Value;

/// The protocol version sent as `vsn`.
pub(crate) const VSN: &str = "2.0.0";

/// Binary frame kinds of the 2.0.0 serializer.
const KIND_USER_BROADCAST_PUSH: u8 = 3;
const KIND_USER_BROADCAST: u8 = 4;

/// Topic of socket-level messages (heartbeats).
pub(crate) const PHOENIX_TOPIC: &str = "phoenix";

/// Lifecycle and well-known events.
pub(crate) mod events {
    pub(crate) const JOIN: &str = "phx_join";
    pub(crate) const LEAVE: &str = "phx_leave";
    pub(crate) const REPLY: &str = "phx_reply";
    pub(crate) const CLOSE: &str = "phx_close";
    pub(crate) const ERROR: &str = "phx_error";
    pub(crate) const HEARTBEAT: &str = "heartbeat";
    pub(crate) const ACCESS_TOKEN: &str = "access_token";
    pub(crate) const BROADCAST: &str = "broadcast";
    pub(crate) const PRESENCE: &str = "presence";
    pub(crate) const PRESENCE_STATE: &str = "presence_state";
    pub(crate) const PRESENCE_DIFF: &str = "presence_diff";
    pub(crate) const POSTGRES_CHANGES: &str = "postgres_changes";
    pub(crate) const SYSTEM: &str = "system";
}

/// One text message, either direction.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Message {
    pub join_ref: Option<String>,
    pub msg_ref: Option<String>,
    pub topic: String,
    pub event: String,
    pub payload: Value,
}

/// A broadcast payload: JSON, or raw bytes (binary frames with encoding 0).
#[derive(Debug, Clone, PartialEq)]
pub enum BroadcastPayload {
    /// A JSON value.
    Json(Value),
    /// Raw bytes.
    Binary(Vec<u8>),
}

/// A user broadcast, as carried in binary frames.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct UserBroadcast {
    pub join_ref: Option<String>,
    pub msg_ref: Option<String>,
    pub topic: String,
    pub event: String,
    pub metadata: Option<Value>,
    pub payload: BroadcastPayload,
}

/// What a frame from the server decodes to.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Incoming {
    /// A JSON-array text frame.
    Message(Message),
    /// A kind 4 binary frame.
    Broadcast(UserBroadcast),
}

/// A frame that could not be decoded; `topic` is known when the frame got that far.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct DecodeError {
    pub topic: Option<String>,
    pub reason: String,
}

fn err(topic: Option<String>, reason: impl Into<String>) -> DecodeError {
    DecodeError {
        topic,
        reason: reason.into(),
    }
}

fn opt_ref(value: &Value) -> Result<Option<String>, String> {
    match value {
        Value::Null => Ok(None),
        Value::String(s) => Ok(Some(s.clone())),
        // Phoenix servers always send strings; accept numbers as their decimal text.
        Value::Number(n) => Ok(Some(n.to_string())),
        other => Err(format!("a ref must be a string or null, got {other}")),
    }
}

/// Decodes a text frame: `[join_ref, ref, topic, event, payload]`.
pub(crate) fn decode_text(text: &str) -> Result<Incoming, DecodeError> {
    let value: Value =
        serde_json::from_str(text).map_err(|e| err(None, format!("not JSON ({e})")))?;
    let Value::Array(items) = value else {
        return Err(err(None, "not a JSON array"));
    };
    let [join_ref, msg_ref, topic, event, payload]: [Value; 5] = items
        .try_into()
        .map_err(|items: Vec<Value>| err(None, format!("{} elements instead of 5", items.len())))?;
    let Value::String(topic) = topic else {
        return Err(err(None, "the topic is not a string"));
    };
    let Value::String(event) = event else {
        return Err(err(Some(topic), "the event is not a string"));
    };
    let join_ref = opt_ref(&join_ref).map_err(|r| err(Some(topic.clone()), r))?;
    let msg_ref = opt_ref(&msg_ref).map_err(|r| err(Some(topic.clone()), r))?;
    Ok(Incoming::Message(Message {
        join_ref,
        msg_ref,
        topic,
        event,
        payload,
    }))
}

/// Takes `len` bytes as UTF-8 text off the front of `rest`.
fn take_str<'a>(rest: &mut &'a [u8], len: usize, what: &str) -> Result<&'a str, String> {
    if rest.len() < len {
        return Err(format!("truncated {what}"));
    }
    let (head, tail) = rest.split_at(len);
    *rest = tail;
    std::str::from_utf8(head).map_err(|_| format!("{what} is not UTF-8"))
}

/// Decodes a binary frame (kind 4: `4, len(topic), len(event), len(metadata), encoding`,
/// then topic, event, metadata, payload).
pub(crate) fn decode_binary(bytes: &[u8]) -> Result<Incoming, DecodeError> {
    let Some((&kind, mut rest)) = bytes.split_first() else {
        return Err(err(None, "empty binary frame"));
    };
    if kind != KIND_USER_BROADCAST {
        return Err(err(None, format!("unknown binary frame kind {kind}")));
    }
    let Some((header, tail)) = rest.split_first_chunk::<4>() else {
        return Err(err(None, "truncated binary header"));
    };
    let [topic_len, event_len, meta_len, encoding] = *header;
    rest = tail;
    let topic = take_str(&mut rest, usize::from(topic_len), "topic")
        .map_err(|r| err(None, r))?
        .to_owned();
    let t = || Some(topic.clone());
    let event = take_str(&mut rest, usize::from(event_len), "event")
        .map_err(|r| err(t(), r))?
        .to_owned();
    let meta = take_str(&mut rest, usize::from(meta_len), "metadata").map_err(|r| err(t(), r))?;
    let metadata = if meta.is_empty() {
        None
    } else {
        Some(
            serde_json::from_str(meta)
                .map_err(|e| err(t(), format!("metadata is not JSON ({e})")))?,
        )
    };
    let payload = match encoding {
        0 => BroadcastPayload::Binary(rest.to_vec()),
        1 => BroadcastPayload::Json(
            serde_json::from_slice(rest)
                .map_err(|e| err(t(), format!("payload is not JSON ({e})")))?,
        ),
        other => return Err(err(t(), format!("unknown payload encoding {other}"))),
    };
    Ok(Incoming::Broadcast(UserBroadcast {
        join_ref: None,
        msg_ref: None,
        topic,
        event,
        metadata,
        payload,
    }))
}

/// Encodes a text message as a JSON array.
pub(crate) fn encode_text(message: &Message) -> String {
    let array = Value::Array(vec![
        message.join_ref.clone().map_or(Value::Null, Value::String),
        message.msg_ref.clone().map_or(Value::Null, Value::String),
        Value::String(message.topic.clone()),
        Value::String(message.event.clone()),
        message.payload.clone(),
    ]);
    array.to_string()
}

/// Encodes a user broadcast push as a kind 3 binary frame, or `None` when a field is longer
/// than the one-byte length allows (the caller then sends a JSON `broadcast` message).
pub(crate) fn encode_user_broadcast(b: &UserBroadcast) -> Option<Vec<u8>> {
    let join_ref = b.join_ref.as_deref().unwrap_or("");
    let msg_ref = b.msg_ref.as_deref().unwrap_or("");
    let metadata = b
        .metadata
        .as_ref()
        .map(Value::to_string)
        .unwrap_or_default();
    let (encoding, payload): (u8, std::borrow::Cow<'_, [u8]>) = match &b.payload {
        BroadcastPayload::Json(v) => (1, v.to_string().into_bytes().into()),
        BroadcastPayload::Binary(bytes) => (0, bytes.as_slice().into()),
    };
    let len = |s: &str| u8::try_from(s.len()).ok();
    let header = [
        KIND_USER_BROADCAST_PUSH,
        len(join_ref)?,
        len(msg_ref)?,
        len(&b.topic)?,
        len(&b.event)?,
        len(&metadata)?,
        encoding,
    ];
    let mut out = Vec::with_capacity(
        header.len()
            + join_ref.len()
            + msg_ref.len()
            + b.topic.len()
            + b.event.len()
            + metadata.len()
            + payload.len(),
    );
    out.extend_from_slice(&header);
    for part in [join_ref, msg_ref, &b.topic, &b.event, &metadata] {
        out.extend_from_slice(part.as_bytes());
    }
    out.extend_from_slice(&payload);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn text_round_trip() {
        let m = Message {
            join_ref: Some("1".into()),
            msg_ref: Some("2".into()),
            topic: "realtime:room1".into(),
            event: "phx_join".into(),
            payload: json!({"config": {"private": false}}),
        };
        let text = encode_text(&m);
        assert_eq!(
            text,
            r#"["1","2","realtime:room1","phx_join",{"config":{"private":false}}]"#
        );
        assert_eq!(decode_text(&text), Ok(Incoming::Message(m)));
    }

    #[test]
    fn heartbeat_has_null_join_ref() {
        let m = Message {
            join_ref: None,
            msg_ref: Some("5".into()),
            topic: PHOENIX_TOPIC.into(),
            event: events::HEARTBEAT.into(),
            payload: json!({}),
        };
        assert_eq!(encode_text(&m), r#"[null,"5","phoenix","heartbeat",{}]"#);
    }

    #[test]
    fn malformed_text_frames_are_typed_errors() {
        assert!(decode_text("nope").unwrap_err().topic.is_none());
        assert!(decode_text(r#"{"topic":"x"}"#).is_err());
        assert!(decode_text(r#"[null,null,"t","e"]"#).is_err());
        let e = decode_text(r#"[null,null,"realtime:a",5,{}]"#).unwrap_err();
        assert_eq!(e.topic.as_deref(), Some("realtime:a"));
        assert!(decode_text(r#"[{},null,"realtime:a","e",{}]"#).is_err());
    }

    #[test]
    fn kind3_matches_the_golden_bytes() {
        // rt_broadcast_self_ack: join_ref "1", ref "2", topic realtime:room1, event msg.
        let b = UserBroadcast {
            join_ref: Some("1".into()),
            msg_ref: Some("2".into()),
            topic: "realtime:room1".into(),
            event: "msg".into(),
            metadata: None,
            payload: BroadcastPayload::Json(json!({"text": "hi", "n": 1})),
        };
        let bytes = encode_user_broadcast(&b).unwrap();
        assert_eq!(&bytes[..7], &[3, 1, 1, 14, 3, 0, 1]);
        let text = std::str::from_utf8(&bytes[7..]).unwrap();
        assert_eq!(&text[..19], "12realtime:room1msg");
        let payload: Value = serde_json::from_str(&text[19..]).unwrap();
        assert_eq!(payload, json!({"text": "hi", "n": 1}));
    }

    #[test]
    fn kind3_with_metadata_and_binary_payload() {
        let b = UserBroadcast {
            join_ref: Some("10".into()),
            msg_ref: Some("11".into()),
            topic: "realtime:r".into(),
            event: "e".into(),
            metadata: Some(json!({"persist": true})),
            payload: BroadcastPayload::Binary(vec![0, 1, 255]),
        };
        let bytes = encode_user_broadcast(&b).unwrap();
        assert_eq!(&bytes[..7], &[3, 2, 2, 10, 1, 16, 0]);
        assert!(bytes.ends_with(&[0, 1, 255]));
    }

    #[test]
    fn kind3_refuses_long_fields() {
        let b = UserBroadcast {
            join_ref: None,
            msg_ref: None,
            topic: "t".repeat(300),
            event: "e".into(),
            metadata: None,
            payload: BroadcastPayload::Json(json!({})),
        };
        assert!(encode_user_broadcast(&b).is_none());
    }

    fn kind4(topic: &str, event: &str, meta: &str, encoding: u8, payload: &[u8]) -> Vec<u8> {
        let mut v = vec![
            4,
            topic.len() as u8,
            event.len() as u8,
            meta.len() as u8,
            encoding,
        ];
        v.extend_from_slice(topic.as_bytes());
        v.extend_from_slice(event.as_bytes());
        v.extend_from_slice(meta.as_bytes());
        v.extend_from_slice(payload);
        v
    }

    #[test]
    fn kind4_decodes() {
        let frame = kind4("realtime:room1", "msg", "", 1, br#"{"text":"hi"}"#);
        let Incoming::Broadcast(b) = decode_binary(&frame).unwrap() else {
            panic!()
        };
        assert_eq!(b.topic, "realtime:room1");
        assert_eq!(b.event, "msg");
        assert_eq!(b.metadata, None);
        assert_eq!(b.payload, BroadcastPayload::Json(json!({"text": "hi"})));

        let frame = kind4("realtime:r", "bin", r#"{"id":"x"}"#, 0, &[9, 8]);
        let Incoming::Broadcast(b) = decode_binary(&frame).unwrap() else {
            panic!()
        };
        assert_eq!(b.metadata, Some(json!({"id": "x"})));
        assert_eq!(b.payload, BroadcastPayload::Binary(vec![9, 8]));
    }

    #[test]
    fn bad_binary_frames_are_typed_errors() {
        assert!(decode_binary(&[]).is_err());
        assert!(decode_binary(&[7, 1, 2]).is_err());
        assert!(decode_binary(&[4, 200, 1, 0, 1, b'a']).is_err());
        let e = decode_binary(&kind4("realtime:a", "e", "", 1, b"{nope")).unwrap_err();
        assert_eq!(e.topic.as_deref(), Some("realtime:a"));
        assert!(decode_binary(&kind4("realtime:a", "e", "", 9, b"{}")).is_err());
    }
}
