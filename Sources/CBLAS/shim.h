// The one C door to BLAS. Only Sources/MedSaveCore/Numeric/BLAS.swift imports this module.
#include <cblas.h>
