use serde::Deserializer;

pub use crate::wire::de::{opt_fen, opt_string, opt_whole};
use crate::wire::JsonText;

/// A nested JSON string (`promotion_detail`, `refund_list`, ...). Unlike
/// `crate::wire::de::opt_json`, blank text is kept (as unparsed) and a value that does not
/// parse is logged under chaoying's target.
pub fn opt_nested_json<'de, D: Deserializer<'de>, T: JsonText>(d: D) -> Result<Option<T>, D::Error> {
    Ok(opt_string(d)?.map(|text| match serde_json::from_str(&text) {
        Ok(v) => T::from_parsed(v),
        Err(e) => {
            tracing::warn!(target: "posgate::chaoying", "nested JSON field did not parse: {e}");
            T::from_text(text)
        }
    }))
}
