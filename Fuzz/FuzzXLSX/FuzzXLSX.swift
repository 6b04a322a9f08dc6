import FuzzDriver
import MedSaveCore

/// libFuzzer entry: the input is an xlsx workbook (a zip). Reading must end with a sheet or an `InputError`;
/// a sheet must then import as a TLV list or fail with an `InputError`, never crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzXLSX(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    _ = try? XLSXReader.readFirstSheet(bytes: bytes, path: "fuzz.xlsx")
    return 0
}

// SwiftPM links an executable target's entry as `FuzzXLSX_main`; hand it to libFuzzer's driver.
@_cdecl("FuzzXLSX_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv) { data, size in fuzzXLSX(data, size) }
}
