# syntax=docker/dockerfile:1

# The image ships Node 24 LTS; the gateway also runs on Node 20.18.1 and later 20.x
# (package.json `engines`), and .ci/run tests it on both.

# Build stage: full dependencies, compile TypeScript to dist/.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY tools ./tools
RUN npm run build

# Runtime stage: production dependencies and compiled code only, as a non-root user.
FROM node:24-bookworm-slim AS runtime
# deploy/kubernetes runs this image under this name: docker build -t cloudcockpit-audit-gateway:0.1.0 .
LABEL org.opencontainers.image.title="cloudcockpit-audit-gateway"
ENV NODE_ENV=production \
    PORT=4000 \
    HOST=0.0.0.0
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist ./dist
# The image's `node` user, by number: Kubernetes' runAsNonRoot can only check a numeric user.
USER 1000:1000
EXPOSE 4000
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||4000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# node runs as PID 1's direct child of the runtime, not under `sh -c` or npm, so SIGTERM
# reaches it and the graceful shutdown runs.
CMD ["node", "dist/src/main.js"]
