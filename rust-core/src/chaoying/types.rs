//! Chaoying typed requests and responses: TODO (helper).
