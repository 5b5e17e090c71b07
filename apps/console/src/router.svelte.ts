// Hash routes (#/batches, #/batches/<id>, #/batches/<id>/tasks/<id>, #/thngs, #/units, #/files, #/bulk, #/bulk/<id>,
// #/webhooks, #/operations): the gateway serves one page at /console, and a reload or a shared link lands on the same view.
function current(): string[] {
  return location.hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
}

export const route = $state({ parts: current() });

addEventListener('hashchange', () => {
  route.parts = current();
});

export const go = (...parts: string[]) => {
  location.hash = `#/${parts.map(encodeURIComponent).join('/')}`;
};
export const href = (...parts: string[]) => `#/${parts.map(encodeURIComponent).join('/')}`;
