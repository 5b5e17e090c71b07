import { Controller, Get, Param } from '@nestjs/common';
import { Public } from '../auth/auth.decorators';
import { ApiError } from '../http/api-error';
import { EVRYTHNG_DOC } from '../evrythng/openapi';
import { PACKAGEX_DOC } from '../packagex/openapi';
import { TOFUPILOT_DOC } from '../tofupilot/openapi';
import { openApiDocument, type DialectDoc } from './openapi';

/** The dialects documented at `/docs/<dialect>` (OpenAPI 3.1 JSON). */
const DOCS: Record<string, DialectDoc> = { evrythng: EVRYTHNG_DOC, packagex: PACKAGEX_DOC, tofupilot: TOFUPILOT_DOC };

@Controller('docs')
@Public()
export class DocsController {
  @Get()
  index() {
    return { documents: Object.entries(DOCS).map(([dialect, doc]) => ({ dialect, title: doc.title, url: `/docs/${dialect}` })) };
  }

  @Get(':dialect')
  document(@Param('dialect') dialect: string) {
    const doc = Object.hasOwn(DOCS, dialect) ? DOCS[dialect] : undefined;
    if (!doc) throw new ApiError('NOT_FOUND', `No API document for ${dialect}; see /docs`);
    return openApiDocument(doc);
  }
}
