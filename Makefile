# The two commands of the README:
#   make rank   installs what is missing, builds a release binary and ranks the bundled datasets/
#   make test   installs what is missing and runs the whole test suite (Swift, then the engines' DuckDB contract)
# Other targets: deps (system packages only), build, lint (swift format, strict), datasets (regenerate datasets/),
#   notebooks (regenerate the reports in notebooks-export/), report-png (render them to .build-png/*.png).

SWIFT ?= swift
RANK_ARGS ?= --top 20
# A target importing a module it does not declare is an error, not luck of build order (ARCHITECTURE.md).
SWIFT_FLAGS ?= --explicit-target-dependency-import-check error
# On Linux the release binary carries the Swift runtime and Foundation inside it: it runs without a Swift
# toolchain and starts in half the time (README "Installation"). Every release build here (and Benchmarks/run.py)
# passes the same flags, or SwiftPM rebuilds every module when they change.
RELEASE_FLAGS ?= $(if $(filter Linux,$(shell uname -s)),--static-swift-stdlib,)

.PHONY: deps build rank test lint datasets notebooks report-png

deps:
	@./.ci/install-deps

build: deps
	$(SWIFT) build -c release --product medsave $(RELEASE_FLAGS) $(SWIFT_FLAGS)

rank: build
	"$$($(SWIFT) build -c release --show-bin-path)/medsave" rank \
		--dispensing datasets/dispensing.csv.gz --catalog datasets/catalogue.csv --format table $(RANK_ARGS)

test: deps
	$(SWIFT) test $(SWIFT_FLAGS)
	./engines/tests/run.sh

lint:
	$(SWIFT) format lint --strict --recursive --parallel Sources Tests Benchmarks Fuzz Package.swift

datasets:
	python3 datasets/generate.py

notebooks: build
	MEDSAVE="$$($(SWIFT) build -c release --show-bin-path)/medsave" ./notebooks-export/regenerate.sh

report-png:
	./notebooks-export/render-png.sh notebooks-export/pharmacist.html notebooks-export/budget.html
