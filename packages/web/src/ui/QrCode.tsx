// A QR code of a link, drawn as SVG in the browser (the qrcode package; nothing leaves the page), with a
// download of the same SVG for print.
import { useEffect, useState } from 'react';
import QRCode from 'qrcode';

export function QrCode({
  text,
  label,
  download,
  fileName,
}: {
  text: string;
  label: string;
  download: string;
  fileName: string;
}) {
  const [svg, setSvg] = useState<string | undefined>();
  useEffect(() => {
    let live = true;
    void QRCode.toString(text, { type: 'svg', margin: 2, errorCorrectionLevel: 'M' }).then((s) => {
      if (live) setSvg(s);
    });
    return () => {
      live = false;
    };
  }, [text]);
  if (!svg) return null;
  const src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
  return (
    <figure className="qr">
      <img src={src} alt={label} width={160} height={160} data-testid="qr" />
      <figcaption>
        <a href={src} download={fileName}>
          {download}
        </a>
      </figcaption>
    </figure>
  );
}
