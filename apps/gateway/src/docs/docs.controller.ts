import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import { join } from 'node:path';
import type { Request, Response } from 'express';
import { Public } from '../auth/auth.decorators';
import { consoleDir } from '../console/console-assets';
import { ApiError } from '../http/api-error';
import { EVRYTHNG_DOC } from '../evrythng/openapi';
import { PACKAGEX_DOC } from '../packagex/openapi';
import { TOFUPILOT_DOC } from '../tofupilot/openapi';
import { BATCHYARD_DOC } from './batchyard-openapi';
import { openApiDocument, type DialectDoc } from './openapi';

/** The documents at `/docs/<name>` and `/docs/<name>.json` (OpenAPI 3.1 JSON): the three dialects and Batchyard's own routes. */
const DOCS: Record<string, DialectDoc> = { evrythng: EVRYTHNG_DOC, packagex: PACKAGEX_DOC, tofupilot: TOFUPILOT_DOC, batchyard: BATCHYARD_DOC };

const index = () => ({
  documents: Object.entries(DOCS).map(([dialect, doc]) => ({ dialect, title: doc.title, url: `/docs/${dialect}`, json: `/docs/${dialect}.json` })),
});

@Controller('docs')
@Public()
export class DocsController {
  private readonly page = (() => {
    const dir = consoleDir();
    return dir && join(dir, 'docs.html');
  })();

  /** A browser gets the page (Swagger UI, built with the console); a client asking for JSON, the index, as before. */
  @Get()
  home(@Req() req: Request, @Res() res: Response): void {
    if (req.accepts(['application/json', 'text/html']) !== 'text/html') {
      res.json(index());
      return;
    }
    if (!this.page) throw new ApiError('NOT_FOUND', 'The docs page is not built (npm run build); the documents are listed at /docs/index.json');
    res.setHeader('cache-control', 'no-cache');
    res.sendFile(this.page);
  }

  @Get('index.json')
  list() {
    return index();
  }

  @Get(':name')
  document(@Param('name') name: string) {
    const dialect = name.endsWith('.json') ? name.slice(0, -'.json'.length) : name;
    const doc = Object.hasOwn(DOCS, dialect) ? DOCS[dialect] : undefined;
    if (!doc) throw new ApiError('NOT_FOUND', `No API document for ${dialect}; see /docs/index.json`);
    return openApiDocument(doc);
  }
}
