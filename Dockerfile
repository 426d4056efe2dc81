# conncheck as a container: a static (musl) binary on distroless, running as a non-root user.
#   docker build -t conncheck .
#   docker run --rm conncheck api.example.com --origin https://example.com
# Linted by .ci/run with hadolint; not built by this repository's CI (no container engine there).

FROM rust:1.95-alpine3.22 AS build
# ring and mimalloc compile C against musl.
# hadolint ignore=DL3018
RUN apk add --no-cache musl-dev
WORKDIR /src
COPY . .
RUN cargo build --release --locked \
    && install -D -m 0755 target/release/conncheck /out/conncheck

# No shell, no package manager; the web roots are compiled into conncheck.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/conncheck /usr/local/bin/conncheck
# distroless' "nonroot" user, by number so any runtime resolves it.
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/conncheck"]
CMD ["--help"]
