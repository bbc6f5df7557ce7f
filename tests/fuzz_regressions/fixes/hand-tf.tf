resource "aws_s3_bucket" "b" {
  bucket = "日本-📦"
}
resource "aws_s3_bucket_acl" "a" {
  bucket = aws_s3_bucket.b.id
  acl    = "public-read"
}
