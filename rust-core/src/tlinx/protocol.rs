//! TLinx signing and AES: TODO (helper).
