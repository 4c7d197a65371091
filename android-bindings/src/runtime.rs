//! The one tokio runtime the library owns. uniffi polls our futures from Kotlin's coroutine
//! machinery, which is no tokio context, so every async call hops onto this runtime with
//! `spawn`: the work then lives on even if the Kotlin side stops waiting.

use std::any::Any;
use std::future::Future;
use std::pin::Pin;
use std::sync::OnceLock;

use crate::error::PosGateError;

pub fn get() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("posgate")
            .enable_all()
            .build()
            .expect("posgate: cannot start the tokio runtime")
    })
}

/// A future boxed to one type, answering a boxed value: every call runs as the same kind of tokio
/// task, so the task machinery is compiled once rather than once per exported method (about
/// 5 KB each in libposgate.so).
type AnyFuture = Pin<Box<dyn Future<Output = Result<Box<dyn Any + Send>, PosGateError>> + Send>>;

/// Runs `fut` on the library's runtime. A panic inside becomes `PosGateError::Internal`.
pub async fn run<T, F>(fut: F) -> Result<T, PosGateError>
where
    T: Send + 'static,
    F: Future<Output = Result<T, PosGateError>> + Send + 'static,
{
    let boxed: AnyFuture = Box::pin(async move { fut.await.map(|v| Box::new(v) as Box<dyn Any + Send>) });
    let any = run_any(boxed).await?;
    any.downcast::<T>()
        .map(|v| *v)
        .map_err(|_| PosGateError::Internal { detail: "runtime: the answer changed type".into() })
}

/// Sends a prepared typed call (`Engine::prepare`) on the library's runtime,
/// journalled by its effect. Not generic: every typed method shares this code.
///
/// Boxed, so that each typed method's own state machine holds a pointer, not this future: the
/// code that moves and drops it is then compiled once, not once per method.
pub fn call(
    engine: std::sync::Arc<posgate_core::engine::Engine>,
    prepared: posgate_core::engine::Prepared,
) -> Pin<Box<dyn Future<Output = Result<posgate_core::engine::AnyAnswer, PosGateError>> + Send>> {
    Box::pin(async move {
        let boxed: AnyFuture = Box::pin(async move {
            engine.run(prepared).await.map(|a| Box::new(a) as Box<dyn Any + Send>).map_err(PosGateError::from)
        });
        let any = run_any(boxed).await?;
        any.downcast::<posgate_core::engine::AnyAnswer>()
            .map(|v| *v)
            .map_err(|_| PosGateError::Internal { detail: "runtime: the answer changed type".into() })
    })
}

async fn run_any(fut: AnyFuture) -> Result<Box<dyn Any + Send>, PosGateError> {
    match get().spawn(fut).await {
        Ok(r) => r,
        Err(e) if e.is_panic() => {
            let payload = e.into_panic();
            let msg = payload
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "panic".into());
            tracing::error!("posgate panicked: {msg}");
            Err(PosGateError::Internal { detail: format!("panic: {msg}") })
        }
        Err(e) => Err(PosGateError::Internal { detail: e.to_string() }),
    }
}
