//! Lowering fix intents to edits of a CloudFormation document (placeholder).
use super::{Edit, FixIntent};
use crate::cfn::Template;
use crate::syntax::Document;

/// Render `intent` as text edits on `doc` (whose text is `text`).
/// `None` when the fix cannot be rendered safely here.
pub fn render(
    _text: &str,
    _doc: &Document,
    _template: &Template,
    _intent: &FixIntent,
) -> Option<Vec<Edit>> {
    None
}
