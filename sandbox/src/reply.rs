//! What goes back on the wire, for every simulator and for the fault layer: an HTTP answer, or
//! none at all. The two ways of not answering live here only, so the `4002` scenario and the
//! injected timeouts and resets behave alike.

use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

/// `application/json`, as the JSON gateways send it.
pub const JSON: &str = "application/json";
/// `text/plain; charset=utf-8`
pub const TEXT: &str = "text/plain; charset=utf-8";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// An HTTP answer.
    Answer { status: StatusCode, content_type: &'static str, body: String },
    /// No answer: the call is held for the sandbox's `hang`, then the connection is dropped. The
    /// client has given up by then (its timeout is shorter): it cannot know whether the request
    /// took effect.
    Hang,
    /// The connection is dropped at once, in the middle of the answer: the client sees an I/O
    /// error after its request was sent.
    Drop,
}

impl Reply {
    /// `200` with a JSON body.
    pub fn json(body: impl Into<String>) -> Reply {
        Reply::Answer { status: StatusCode::OK, content_type: JSON, body: body.into() }
    }

    pub fn text(status: StatusCode, body: impl Into<String>) -> Reply {
        Reply::Answer { status, content_type: TEXT, body: body.into() }
    }

    /// An HTML error page, as a proxy or a PHP front end would send it.
    pub fn html(status: StatusCode, title: &str) -> Reply {
        let body = format!(
            "<!DOCTYPE html>\n<html><head><title>{title}</title></head>\n<body><center><h1>{title}</h1></center>\n\
             <hr><center>nginx</center></body></html>\n"
        );
        Reply::Answer { status, content_type: "text/html; charset=utf-8", body }
    }

    /// The response; a [`Reply::Hang`] first waits `hang`.
    pub async fn render(self, hang: Duration) -> Response {
        match self {
            Reply::Answer { status, content_type, body } => {
                (status, [(header::CONTENT_TYPE, content_type)], body).into_response()
            }
            Reply::Hang => {
                tokio::time::sleep(hang).await;
                abort()
            }
            Reply::Drop => abort(),
        }
    }
}

/// A response whose body fails at once: hyper then closes the connection instead of answering
/// (a close, not necessarily a TCP RST).
fn abort() -> Response {
    let failing = futures_util::stream::once(async {
        Err::<Bytes, std::io::Error>(std::io::Error::new(std::io::ErrorKind::ConnectionAborted, "sandbox fault"))
    });
    Response::new(Body::from_stream(failing))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    async fn body(r: Response) -> Result<Bytes, axum::Error> {
        axum::body::to_bytes(r.into_body(), usize::MAX).await
    }

    #[tokio::test]
    async fn answers_render_as_given() {
        let r = Reply::json(r#"{"a":1}"#).render(Duration::ZERO).await;
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(r.headers()[header::CONTENT_TYPE], "application/json");
        assert_eq!(body(r).await.unwrap(), r#"{"a":1}"#);

        let r =
            Reply::Answer { status: StatusCode::OK, content_type: "application/json;charset=utf-8", body: "{}".into() }
                .render(Duration::ZERO)
                .await;
        assert_eq!(r.headers()[header::CONTENT_TYPE], "application/json;charset=utf-8");

        let r = Reply::html(StatusCode::BAD_GATEWAY, "502 Bad Gateway").render(Duration::ZERO).await;
        assert_eq!(r.status(), StatusCode::BAD_GATEWAY);
        assert_eq!(r.headers()[header::CONTENT_TYPE], "text/html; charset=utf-8");
        assert!(String::from_utf8(body(r).await.unwrap().to_vec()).unwrap().contains("<h1>502 Bad Gateway</h1>"));

        let r = Reply::text(StatusCode::CONFLICT, "no").render(Duration::ZERO).await;
        assert_eq!((r.status(), &r.headers()[header::CONTENT_TYPE]), (StatusCode::CONFLICT, &TEXT.parse().unwrap()));
    }

    #[tokio::test]
    async fn hang_waits_then_gives_no_answer() {
        let started = Instant::now();
        let r = Reply::Hang.render(Duration::from_millis(100)).await;
        assert!(started.elapsed() >= Duration::from_millis(100));
        assert!(body(r).await.is_err(), "the body fails: the connection closes without an answer");
    }

    #[tokio::test]
    async fn drop_gives_no_answer_at_once() {
        let started = Instant::now();
        let r = Reply::Drop.render(Duration::from_secs(60)).await;
        assert!(body(r).await.is_err());
        assert!(started.elapsed() < Duration::from_secs(1));
    }
}
