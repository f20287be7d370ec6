# The bot as a service: bot serve, a static binary in a small non-root image.
#
# No Docker engine runs on our build machines, so the build stage is one
# plain go build that CI also runs outside Docker (.ci/run checks that the
# binary it makes is static).
#
#   docker build -t newsbot .
#   docker run -p 8080:8080 -v newsbot-data:/data newsbot
#
# Volumes: /data (indexes; writable), /corpus (your coverage, read-only,
# used when NEWSBOT_CORPUS=/corpus), /prompts (prompt overrides, used when
# NEWSBOT_PROMPTS=/prompts). See the README for Slack and Discord.

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/bot ./cmd/bot \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/bot /usr/local/bin/bot
COPY --from=build --chown=65532:65532 /out/data /data
# The default data directory is /data/newsbot (ingest and NEWSBOT_CORPUS
# indexes go there); set NEWSBOT_DATA=/data/newsbot to answer from what was
# ingested. With nothing set, serve answers from the built-in coverage.
ENV XDG_DATA_HOME=/data \
    NEWSBOT_ADDR=:8080 \
    NEWSBOT_LOG_FORMAT=json
VOLUME ["/data"]
EXPOSE 8080
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/bot"]
CMD ["serve"]
