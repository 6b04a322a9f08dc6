// zlib, for reading .csv.gz inputs as a stream. Only Sources/MedSaveCore/Ingest/GzipByteSource.swift imports this.
#include <zlib.h>
