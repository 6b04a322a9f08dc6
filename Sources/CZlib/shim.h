// zlib: gzip inputs (Ingest/GzipByteSource.swift) and deflated zip entries of xlsx workbooks (Ingest/XLSX/Inflate.swift).
#include <zlib.h>
