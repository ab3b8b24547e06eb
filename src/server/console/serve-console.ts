/**
 * Serves the web console built by Vite (web/dist): its hashed assets under /assets/ (cached for a
 * year, since their names change with their content) and its index page at / and at each console
 * page's path (never cached, so a new build is picked up at the next load). When the console has
 * not been built the pages answer 503 with how to build it, rather than a blank page.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply } from 'fastify';
import { CONSOLE_CSP } from './console-csp.ts';
import { CONSOLE_PAGES } from './console-pages.ts';

export interface ConsoleOptions {
  /** The built console (Vite's output directory); default web/dist of this package. */
  root?: string;
}

/** web/dist beside src/ in this package. */
export const defaultConsoleRoot = (): string => fileURLToPath(new URL('../../../web/dist/', import.meta.url));

const NOT_BUILT = 'The IoTopia console has not been built. Run `npm run build:web` (npm install runs it too), then reload this page.\n';

function pagePaths(): string[] {
  return ['/', ...CONSOLE_PAGES.flatMap((p) => [`/${p}`, `/${p}/*`])];
}

export function serveConsole(options: ConsoleOptions = {}): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    const root = options.root ?? defaultConsoleRoot();
    const indexFile = join(root, 'index.html');
    const index = existsSync(indexFile) ? readFileSync(indexFile) : undefined;
    // Scoped to this plugin: only the console's answers get its policy.
    app.addHook('onSend', async (_request, reply, payload) => {
      reply.header('content-security-policy', CONSOLE_CSP);
      return payload;
    });
    if (index !== undefined) {
      await app.register(fastifyStatic, {
        root: join(root, 'assets'),
        prefix: '/assets/',
        decorateReply: false,
        index: false,
        immutable: true,
        maxAge: '365d',
        dotfiles: 'deny',
      });
    }
    const sendIndex = (reply: FastifyReply) => {
      if (index === undefined) return reply.code(503).type('text/plain; charset=utf-8').send(NOT_BUILT);
      return reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(index);
    };
    for (const url of pagePaths()) app.get(url, async (_request, reply) => sendIndex(reply));
  };
}
