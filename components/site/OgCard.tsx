/**
 * The 1200×630 social card drawn by next/og (Satori). Uses the renderer's built-in font only:
 * no font files are fetched. Satori supports a subset of CSS: flexbox and inline styles.
 */
export const OG_SIZE = {width: 1200, height: 630}

export function OgCard({title, kicker, footer}: {title: string; kicker?: string; footer: string}) {
  const size = title.length > 90 ? 52 : title.length > 50 ? 64 : 76
  return (
    <div
      style={{
        width: '100%',
        height: '100%',
        display: 'flex',
        flexDirection: 'column',
        justifyContent: 'space-between',
        padding: '72px 80px',
        background: '#18181b',
        color: '#fafafa',
        borderTop: '16px solid #b4232c',
      }}
    >
      <div style={{display: 'flex', fontSize: 30, color: '#ff8a8f'}}>{kicker ?? ''}</div>
      <div style={{display: 'flex', fontSize: size, fontWeight: 700, lineHeight: 1.15}}>{title}</div>
      <div style={{display: 'flex', fontSize: 30, color: '#d4d4d8'}}>{footer}</div>
    </div>
  )
}
