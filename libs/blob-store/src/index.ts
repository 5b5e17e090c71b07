export * from './port';
export { FileBlobStore } from './files/file-blob-store';
export { GridFsBlobStore } from './gridfs/gridfs-blob-store';
export { openBlobStore } from './open-blob-store';
export * from './size-limit';
