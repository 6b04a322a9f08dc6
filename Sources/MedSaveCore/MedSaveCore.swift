// The umbrella the command-line tool imports: every layer's public API under one name. The layers are
// separate modules so that the compiler enforces their allowed imports (see ARCHITECTURE.md).
@_exported import MedSaveAnalysis
@_exported import MedSaveIngest
@_exported import MedSaveModel
@_exported import MedSaveNumeric
@_exported import MedSaveOutput
@_exported import MedSaveReview
@_exported import MedSaveSupport
