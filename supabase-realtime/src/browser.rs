//! The browser's WebSocket and timers, for the socket task on `wasm32` (where there is no
//! tokio reactor): [`BrowserSocket`] has the three calls the task makes on a websocket
//! (`next`, `send`, `close`), with tungstenite's message shape reduced to what Realtime uses.

use std::future::Future;
use std::time::Duration;

use supabase_core::runtime;
use tokio::sync::mpsc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{BinaryType, MessageEvent, WebSocket};

pub(crate) use supabase_core::runtime::Instant;

/// Waits until `at` (`setTimeout`).
pub(crate) async fn sleep_until(at: Instant) {
    runtime::sleep(at.saturating_duration_since(Instant::now())).await;
}

/// `limit` passed before the future finished.
#[derive(Debug)]
pub(crate) struct Elapsed;

/// `fut`, or [`Elapsed`] once `limit` has passed.
pub(crate) async fn timeout<F: Future>(limit: Duration, fut: F) -> Result<F::Output, Elapsed> {
    let fut = std::pin::pin!(fut);
    let sleep = std::pin::pin!(runtime::sleep(limit));
    match futures_util::future::select(fut, sleep).await {
        futures_util::future::Either::Left((out, _)) => Ok(out),
        futures_util::future::Either::Right(((), _)) => Err(Elapsed),
    }
}

/// A websocket frame: text, binary, or the server's close.
#[derive(Debug)]
pub(crate) enum WsMessage {
    /// A text frame.
    Text(String),
    /// A binary frame.
    Binary(Vec<u8>),
    /// The socket was closed (no close frame details in the browser API).
    #[allow(dead_code)]
    Close(Option<()>),
    /// Anything else (never made in the browser: pings are the browser's business).
    #[allow(dead_code)]
    Other,
}

enum SocketEvent {
    Open,
    Message(WsMessage),
    Error,
    Closed,
}

/// The browser's `WebSocket`, its events turned into a queue the socket task reads.
pub(crate) struct BrowserSocket {
    ws: WebSocket,
    events: mpsc::UnboundedReceiver<SocketEvent>,
    closed: bool,
    _handlers: Vec<Closure<dyn FnMut(JsValue)>>,
}

impl BrowserSocket {
    /// Opens a socket to `url` and waits until it is open (or failed).
    pub(crate) async fn connect(url: &str) -> Result<Self, String> {
        let ws = WebSocket::new(url).map_err(|e| js_text(&e))?;
        ws.set_binary_type(BinaryType::Arraybuffer);
        let (tx, events) = mpsc::unbounded_channel();
        let handler = |f: fn(JsValue) -> Option<SocketEvent>| {
            let tx = tx.clone();
            Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
                if let Some(event) = f(event) {
                    let _ = tx.send(event);
                }
            })
        };
        let on_open = handler(|_| Some(SocketEvent::Open));
        let on_message = handler(|event| {
            let data = event.unchecked_into::<MessageEvent>().data();
            if let Some(text) = data.as_string() {
                Some(SocketEvent::Message(WsMessage::Text(text)))
            } else {
                data.dyn_into::<js_sys::ArrayBuffer>().ok().map(|buffer| {
                    SocketEvent::Message(WsMessage::Binary(
                        js_sys::Uint8Array::new(&buffer).to_vec(),
                    ))
                })
            }
        });
        let on_error = handler(|_| Some(SocketEvent::Error));
        let on_close = handler(|_| Some(SocketEvent::Closed));
        ws.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        ws.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        let mut socket = Self {
            ws,
            events,
            closed: false,
            _handlers: vec![on_open, on_message, on_error, on_close],
        };
        match socket.events.recv().await {
            Some(SocketEvent::Open) => Ok(socket),
            Some(SocketEvent::Error) => Err("the websocket could not connect".into()),
            _ => Err("the websocket closed before it opened".into()),
        }
    }

    /// The next frame; `None` once the socket is closed.
    pub(crate) async fn next(&mut self) -> Option<Result<WsMessage, String>> {
        while !self.closed {
            match self.events.recv().await {
                Some(SocketEvent::Message(message)) => return Some(Ok(message)),
                Some(SocketEvent::Error) => return Some(Err("websocket error".into())),
                Some(SocketEvent::Open) => {}
                Some(SocketEvent::Closed) | None => self.closed = true,
            }
        }
        None
    }

    /// Sends a text or binary frame.
    pub(crate) async fn send(&mut self, message: WsMessage) -> Result<(), String> {
        let sent = match &message {
            WsMessage::Text(text) => self.ws.send_with_str(text),
            WsMessage::Binary(bytes) => self.ws.send_with_u8_array(bytes),
            WsMessage::Close(_) | WsMessage::Other => Ok(()),
        };
        sent.map_err(|e| js_text(&e))
    }

    /// Starts the closing handshake.
    pub(crate) async fn close(&mut self, _frame: Option<()>) -> Result<(), String> {
        self.closed = true;
        self.ws.close().map_err(|e| js_text(&e))
    }
}

impl Drop for BrowserSocket {
    fn drop(&mut self) {
        // The handlers go with this value: the browser must not call them afterwards.
        self.ws.set_onopen(None);
        self.ws.set_onmessage(None);
        self.ws.set_onerror(None);
        self.ws.set_onclose(None);
        let _ = self.ws.close();
    }
}

/// The text of a JavaScript exception (the caller redacts the project key from it).
fn js_text(error: &JsValue) -> String {
    error
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .unwrap_or_else(|| "a websocket exception".to_owned())
}
