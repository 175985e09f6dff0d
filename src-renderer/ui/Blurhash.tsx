import { useEffect, useRef } from 'react';
import { decode, isBlurhashValid } from 'blurhash';

/**
 * A blurhash holds a few colour waves at most, so 16×16 pixels, stretched smoothly, show all of
 * it; decoding is a quarter of 32×32's work, and it is done as the first cards are drawn.
 */
const SIZE = 16;
/** Decoded pictures by hash: cards drawn again (scrolled back to, a view left and opened again) reuse theirs. */
const decoded = new Map<string, ImageData | null>();
const KEEP = 500;

function pictureOf(context: CanvasRenderingContext2D, hash: string): ImageData | null {
  let image = decoded.get(hash);
  if (image !== undefined) return image;
  image = null;
  if (isBlurhashValid(hash).result) {
    image = context.createImageData(SIZE, SIZE);
    image.data.set(decode(hash, SIZE, SIZE));
  }
  if (decoded.size >= KEEP) decoded.delete(decoded.keys().next().value!);
  decoded.set(hash, image);
  return image;
}

/** The blurred colours of a picture, drawn small and stretched, while the picture loads or is hidden. */
export function Blurhash({ hash, className }: { hash: string; className?: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const context = canvas.current?.getContext('2d');
    const image = context && pictureOf(context, hash);
    if (image) context.putImageData(image, 0, 0);
  }, [hash]);
  return <canvas ref={canvas} className={className} width={SIZE} height={SIZE} aria-hidden="true" />;
}
