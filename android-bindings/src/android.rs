//! Android glue: logcat logging (the core's tracing events, already redacted at the source),
//! panic messages logged before unwinding, the JavaVM kept from `JNI_OnLoad`, and the system
//! trust store initialised with the app's Context.
//!
//! Kotlin calls `System.loadLibrary("posgate")` (which runs `JNI_OnLoad`) and then
//! `io.posgate.PosGateAndroid.nativeInit(context)` once, before the first payment.

use std::ffi::c_void;
use std::sync::OnceLock;

use jni::objects::{JClass, JObject};
use jni::sys::{jint, JNI_VERSION_1_6};
use jni::{EnvUnowned, JavaVM, Outcome};

static VM: OnceLock<JavaVM> = OnceLock::new();

fn init_logging() {
    android_logger::init_once(
        android_logger::Config::default().with_max_level(log::LevelFilter::Info).with_tag("posgate"),
    );
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        log::error!("panic: {info}");
        previous(info);
    }));
}

/// # Safety
/// Called by the JVM with a valid `JavaVM` pointer when the library is loaded.
#[no_mangle]
pub unsafe extern "system" fn JNI_OnLoad(vm: *mut jni::sys::JavaVM, _reserved: *mut c_void) -> jint {
    init_logging();
    if !vm.is_null() {
        // SAFETY: the JVM passes a valid JavaVM pointer to JNI_OnLoad (checked non-null).
        let _ = VM.set(unsafe { JavaVM::from_raw(vm) });
    }
    JNI_VERSION_1_6
}

/// `io.posgate.PosGateAndroid.nativeInit(Context)`: TLS trust from the Android system store.
#[no_mangle]
pub extern "system" fn Java_io_posgate_PosGateAndroid_nativeInit<'local>(
    mut env: EnvUnowned<'local>,
    _class: JClass<'local>,
    context: JObject<'local>,
) -> jni::sys::jboolean {
    // with_env catches a panic: nothing unwinds into the JVM.
    let outcome = env.with_env(|env| rustls_platform_verifier::android::init_with_env(env, context));
    match outcome.into_outcome() {
        Outcome::Ok(()) => {
            log::info!("posgate initialised (system trust store)");
            jni::sys::JNI_TRUE
        }
        Outcome::Err(e) => {
            log::error!("posgate init failed: {e}");
            jni::sys::JNI_FALSE
        }
        Outcome::Panic(_) => {
            log::error!("posgate init failed: panic (logged above)");
            jni::sys::JNI_FALSE
        }
    }
}
