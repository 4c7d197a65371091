//! Kotlin front door of posgate. The uniffi layer is built by the "Kotlin front door" issue;
//! until then this crate only re-exports the core so the workspace layout is complete.
pub use posgate_core as core;
