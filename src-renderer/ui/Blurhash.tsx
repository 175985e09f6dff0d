import { useEffect, useRef } from 'react';
import { decode, isBlurhashValid } from 'blurhash';

const SIZE = 32;

/** The blurred colours of a picture, drawn small and stretched, while the picture loads or is hidden. */
export function Blurhash({ hash, className }: { hash: string; className?: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const context = canvas.current?.getContext('2d');
    if (!context || !isBlurhashValid(hash).result) return;
    const pixels = decode(hash, SIZE, SIZE);
    const image = context.createImageData(SIZE, SIZE);
    image.data.set(pixels);
    context.putImageData(image, 0, 0);
  }, [hash]);
  return <canvas ref={canvas} className={className} width={SIZE} height={SIZE} aria-hidden="true" />;
}
