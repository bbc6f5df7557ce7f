use super::*;

#[test]
fn module_spans_map_back_to_files() {
    let a = "resource \"aws_s3_bucket\" \"a\" {\n  bucket = \"x\"\n}\n";
    let b = "resource \"aws_s3_bucket_versioning\" \"a\" {\n  bucket = aws_s3_bucket.a.id\n  versioning_configuration {\n    status = \"Suspended\"\n  }\n}\n";
    let m = Module::build(&[("main.tf", a), ("versioning.tf", b)]);
    let bucket = &m.model.buckets[0];
    let (_, status_alt) = bucket.versioning.values().next().unwrap();
    assert!(status_alt.is_always());
    let v = bucket.versioning.values().next().unwrap().0;
    let status = v.status.values().next().unwrap().0;
    let (file, local) = m.locate(status.span).unwrap();
    assert_eq!(file, 1);
    assert_eq!(&b[local.start..local.end], "\"Suspended\"");
    let (file, local) = m.locate(bucket.res.id_span).unwrap();
    assert_eq!(file, 0);
    assert_eq!(
        &a[local.start..local.end],
        "resource \"aws_s3_bucket\" \"a\""
    );
}

#[test]
fn unresolved_target_silences_missing_settings() {
    let a = "resource \"aws_s3_bucket\" \"a\" {}\nresource \"aws_s3_bucket_versioning\" \"v\" {\n  bucket = module.x.id\n}\n";
    let m = Module::build(&[("main.tf", a)]);
    assert!(m.model.buckets[0].versioning.absent_when().is_none());
}
