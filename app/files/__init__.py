"""Files people upload, kept outside the database under content-addressed names.

`uploads.accept_upload` judges a file by its content (photos re-encoded, PDFs parsed) and
refuses in words; `storage.store` writes it to the configured store (a folder under instance/
or an S3-compatible bucket) inside `storage.kept_on_commit`, which removes what it wrote when
the transaction does not commit. Feature packages register the columns that hold file keys, so
`flask files clean` knows which stored files nobody refers to any more.
"""
