# The two commands of the README: `make run` and `make test`.
.PHONY: run test dashboard check-rust check-dashboard

DASHBOARD_DEPS := dashboard/node_modules/.package-lock.json

run: dashboard
	cargo run --release -p telemetra -- run

# The whole suite: formatting, lints, type checks, unit, integration and browser tests.
test: dashboard check-rust check-dashboard
	cargo test --workspace
	cd dashboard && TELEMETRA_BIN=../target/debug/telemetra npm run test:browser

check-rust:
	cargo fmt --all -- --check
	cargo clippy --all-targets -- -D warnings

check-dashboard: $(DASHBOARD_DEPS)
	cd dashboard && npm run typecheck && npm run lint && npm test

# The server embeds (release) or serves (debug) dashboard/dist: build it first.
dashboard: $(DASHBOARD_DEPS)
	cd dashboard && npm run build

$(DASHBOARD_DEPS): dashboard/package-lock.json
	cd dashboard && npm ci --no-audit --no-fund
