# The two commands of the README, and a few conveniences.
#   make run   install what is missing, build release, run the main job
#   make test  install what is missing, build with ASan+UBSan, run the suite
.PHONY: run test deps release asan format format-check fuzz bench clean package

JOBS ?= $(shell nproc)
BENCH ?=

deps:
	@bash scripts/install-deps

release: deps
	cmake --preset release >/dev/null
	cmake --build --preset release -j $(JOBS)

asan: deps
	cmake --preset asan >/dev/null
	cmake --build --preset asan -j $(JOBS)

run: release
	bash scripts/run-main

test: asan
	ctest --preset asan -j $(JOBS)

format:
	git ls-files --cached --others --exclude-standard '*.cpp' '*.h' | xargs clang-format -i

format-check:
	git ls-files --cached --others --exclude-standard '*.cpp' '*.h' | xargs clang-format --dry-run -Werror

fuzz: deps
	cmake --preset fuzz >/dev/null
	cmake --build --preset fuzz -j $(JOBS)

# Every registered benchmark (bench/run-all); `make bench BENCH=--quick`
# only checks that each runs.
bench: release
	bash bench/run-all $(BENCH) build/release

clean:
	rm -rf build

# The Debian package (issue 13): build/package/kintsugi_VERSION_ARCH.deb,
# bit-identical for two builds of one commit (scripts/build-package;
# scripts/package-check installs and removes it, scripts/package-reproducible
# builds it again elsewhere and compares).
package: deps
	JOBS=$(JOBS) bash scripts/build-package
