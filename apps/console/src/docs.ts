// /docs: Swagger UI (from the swagger-ui-dist package, bundled by this build) over the documents /docs/index.json lists.
import 'swagger-ui-dist/swagger-ui.css';
import SwaggerUIBundle from 'swagger-ui-dist/swagger-ui-bundle.js';
import SwaggerUIStandalonePreset from 'swagger-ui-dist/swagger-ui-standalone-preset.js';

interface Listed {
  dialect: string;
  title: string;
  url: string;
  json: string;
}

const { documents } = (await (await fetch('/docs/index.json')).json()) as { documents: Listed[] };
const root = document.getElementById('docs')!;
const nav = document.createElement('nav');
nav.setAttribute('aria-label', 'Download the documents as JSON');
nav.style.cssText = 'font: 14px system-ui, sans-serif; padding: 8px 16px; display: flex; flex-wrap: wrap; gap: 16px;';
nav.append('Download as JSON:');
for (const doc of documents) {
  const a = document.createElement('a');
  a.href = doc.json;
  a.textContent = `${doc.title} (${doc.dialect}.json)`;
  a.setAttribute('download', `${doc.dialect}.json`);
  nav.append(a);
}
document.body.prepend(nav);

SwaggerUIBundle({
  domNode: root,
  urls: documents.map((d) => ({ url: d.json, name: d.title })),
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
  layout: 'StandaloneLayout',
  deepLinking: true,
});
