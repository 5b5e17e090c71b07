// swagger-ui-dist ships no types; /docs uses its two bundles as they are.
declare module 'swagger-ui-dist/swagger-ui-bundle.js' {
  const SwaggerUIBundle: any;
  export default SwaggerUIBundle;
}
declare module 'swagger-ui-dist/swagger-ui-standalone-preset.js' {
  const SwaggerUIStandalonePreset: any;
  export default SwaggerUIStandalonePreset;
}
