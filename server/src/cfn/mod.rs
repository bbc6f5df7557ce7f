//! CloudFormation front end: template detection, parameters, conditions,
//! intrinsic functions, and the S3 model (being written).

use crate::model::Model;
use crate::suppress::Suppression;
use crate::syntax::Document;

/// A CloudFormation template's S3 model plus what the fix renderer and
/// suppressions need.
#[derive(Debug, Clone)]
pub struct Template {
    pub model: Model,
    /// Per-resource `Metadata: {bucketguard: {ignore: [...]}}` lists.
    pub suppressions: Vec<Suppression>,
}

impl Template {
    /// `None` when the document is not a CloudFormation template.
    pub fn build(_text: &str, _doc: &Document) -> Option<Template> {
        None
    }
}

/// A cheap textual guess, for files that do not parse.
pub fn looks_like_template(text: &str) -> bool {
    text.contains("AWSTemplateFormatVersion") || text.contains("AWS::")
}
