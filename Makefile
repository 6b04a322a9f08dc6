# The two commands of the README:
#   make rank   installs what is missing, builds a release binary and ranks the bundled datasets/
#   make test   installs what is missing and runs the whole test suite
# Other targets: deps (system packages only), build, datasets (regenerate datasets/ with its seed),
#   notebooks (regenerate the reports in notebooks-export/), report-png (render them to .build-png/*.png).

SWIFT ?= swift
RANK_ARGS ?= --top 20

.PHONY: deps build rank test datasets notebooks report-png

deps:
	@./.ci/install-deps

build: deps
	$(SWIFT) build -c release --product medsave

rank: build
	"$$($(SWIFT) build -c release --show-bin-path)/medsave" rank \
		--dispensing datasets/dispensing.csv.gz --catalog datasets/catalogue.csv --format table $(RANK_ARGS)

test: deps
	$(SWIFT) test

datasets:
	python3 datasets/generate.py

notebooks: build
	MEDSAVE="$$($(SWIFT) build -c release --show-bin-path)/medsave" ./notebooks-export/regenerate.sh

report-png:
	./notebooks-export/render-png.sh notebooks-export/pharmacist.html notebooks-export/budget.html
