//! TLinx typed requests and responses: TODO (helper).
