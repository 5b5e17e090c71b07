# One image for the four apps. The default command runs them all in one process; docker-compose.yml
# runs each as its own service by naming it: gateway | batch-service | task-worker | bulk-processor.

# Node exactly as the `node` package of package-lock.json, which npm puts on the scripts' PATH (libs/runtime's
# docker-compose.spec.ts keeps the two equal): the image runs what the tests ran.
FROM node:24.21.0-slim AS build
WORKDIR /app
# swagger-ui-dist's install script phones home unless told not to.
ENV SCARF_ANALYTICS=false
# The lock file alone first, so source edits reuse the installed dependencies layer.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# The build (swc) needs dev dependencies; the running apps need only the production ones.
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:24.21.0-slim
WORKDIR /app
ENV NODE_ENV=production \
    BATCHYARD_DATA_DIR=/data \
    PORT=3000
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# Created here so that a fresh named volume mounted on /data takes this owner.
RUN mkdir /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 3000
CMD ["node", "dist/apps/launcher/src/launch.js", "all"]
