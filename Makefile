# Entry points for people and CI. `make run` and `make test` are the README's first two commands.
BUILD ?= build
JOBS ?= 2
SONG_DATA ?=
LOG_DATA ?=
DATABASE ?= sparkify.db
SAMPLE ?= sample

FUZZ_SECONDS ?= 20

.PHONY: run test test-sanitize fuzz build build-sparkify bootstrap bench package clean format

# Only what the build needs is installed and only the sparkify target is built for `make run`
# (scripts/bootstrap run); `make test` adds the test toolchain and builds everything.
bootstrap:
	@scripts/bootstrap test

build-sparkify:
	@scripts/bootstrap run
	@cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
	@ninja -C $(BUILD) -j $(JOBS) sparkify

build: bootstrap
	@cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release -DSPARKIFY_TESTS=ON -DSPARKIFY_BENCHMARKS=ON >/dev/null
	@ninja -C $(BUILD) -j $(JOBS)

# A generated sample dataset, made once, when no data is given.
run: build-sparkify
ifeq ($(strip $(SONG_DATA)$(LOG_DATA)),)
	@test -f $(SAMPLE)/expected.json || $(BUILD)/sparkify generate --out $(SAMPLE) --songs 2000 --users 200 --days 30 --events-per-day 3000
	$(BUILD)/sparkify run --database $(DATABASE) --song-data $(SAMPLE)/song_data --log-data $(SAMPLE)/log_data
else
	$(BUILD)/sparkify run --database $(DATABASE) --song-data $(SONG_DATA) --log-data $(LOG_DATA)
endif

# The Debian package, $(BUILD)/sparkify_VERSION-1_ARCH.deb: the binary, its man page and bash
# completion; Depends from dpkg-shlibdeps. tests/package_check.sh checks it.
package:
	@scripts/bootstrap package
	@cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
	@ninja -C $(BUILD) -j $(JOBS) sparkify sparkify_man sparkify_completion
	@cd $(BUILD) && cpack -G DEB >/dev/null && ls "$$PWD"/sparkify_*.deb

test: build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# The same suite under AddressSanitizer and UndefinedBehaviorSanitizer.
test-sanitize: bootstrap
	@cmake -S . -B $(BUILD)-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSPARKIFY_SANITIZE=ON -DSPARKIFY_TESTS=ON -DSPARKIFY_BENCHMARKS=OFF >/dev/null
	@ninja -C $(BUILD)-asan -j $(JOBS)
	@cd $(BUILD)-asan && ctest --output-on-failure -j $(JOBS)

# Fuzzes the record decoders (decoder_fuzz) and the whole file-to-rows path into a SQLite
# warehouse (pipeline_fuzz), each for FUZZ_SECONDS (libFuzzer, clang, ASan + UBSan), seeded with
# the sample data in tests/data. Crashes are written to build-fuzz/.
fuzz: bootstrap
	@CXX=clang++ cmake -S fuzz -B $(BUILD)-fuzz -G Ninja -DCMAKE_BUILD_TYPE=Debug >/dev/null
	@ninja -C $(BUILD)-fuzz -j $(JOBS) decoder_fuzz pipeline_fuzz
	@for target in decoder_fuzz pipeline_fuzz; do mkdir -p $(BUILD)-fuzz/corpus-$$target; \
	  find tests/data/sample-data -name '*.json' | head -40 | \
	    xargs -I{} cp {} $(BUILD)-fuzz/corpus-$$target/; done
	@cd $(BUILD)-fuzz && for target in decoder_fuzz pipeline_fuzz; do \
	  if ./$$target -max_total_time=$(FUZZ_SECONDS) -max_len=4096 -print_final_stats=1 \
	      corpus-$$target >$$target.log 2>&1; then tail -n 3 $$target.log; \
	  else tail -n 40 $$target.log; echo "fuzz: $$target found a crash (see $(BUILD)-fuzz)"; \
	    exit 1; fi; done

# The benchmark driver (bench/run --help): workloads are generated once into
# $${SPARKIFY_BENCH_DIR:-/tmp/sparkify-bench}; BENCH_ARGS passes options, e.g.
# make bench BENCH_ARGS="--large" or BENCH_ARGS="--write docs/BENCHMARKS.md".
BENCH_ARGS ?=
bench: build
	@BUILD=$(BUILD) bench/run $(BENCH_ARGS)

format:
	@clang-format -i $$(git ls-files --cached --others --exclude-standard '*.cpp' '*.h')

clean:
	rm -rf $(BUILD) $(BUILD)-asan $(BUILD)-fuzz
