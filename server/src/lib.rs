//! bucketguard: finds Amazon S3 security mistakes in infrastructure code.
pub mod syntax;
pub mod text;
