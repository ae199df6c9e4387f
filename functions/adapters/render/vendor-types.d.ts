// wawoff2 ships no typings: its decoder takes WOFF2 bytes and resolves to the sfnt.
declare module 'wawoff2/decompress.js' {
  export default function decompress(woff2: Uint8Array): Promise<Uint8Array>;
}
