//! Chaoying signing: TODO (helper).
