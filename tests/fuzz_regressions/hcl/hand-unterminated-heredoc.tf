resource "aws_s3_bucket_policy" "p" {
  bucket = "x"
  policy = <<EOF
{"Statement": [
