import {Card, Stack, Text} from '@sanity/ui'
import type {ArrayOfObjectsInputProps} from 'sanity'
import {styled} from 'styled-components'
import {countWords, portableTextToPlain, readingTimeMinutes} from '@/lib/site/reading-time'

/**
 * The Portable Text toolbar, with the formatting buttons (and the Link button last among them)
 * kept in view (#16.5). Sanity 5's toolbar splits its free width in two equal halves, one for the
 * formatting buttons (5 decorators, 2 lists, the link annotation) and one for the insert buttons
 * (Image, Code block, Embed, which keep their text labels), and moves whatever does not fit in a
 * half into that half's "…" menu, from the end: at the Studio's usual document width (a 600 px
 * toolbar) the half was ~215 px for buttons that need ~250 px, so the Link button went first.
 * Here the formatting buttons get three quarters (~325 px there, ~295 px in a 1024 px window) and
 * the insert buttons a quarter (Image stays, or folds too; Code block and Embed go into their "…"
 * menu). Narrower fields still fold buttons, from the end, and below 400 px Sanity collapses both
 * groups into menus as before.
 */
const ToolbarLayout = styled.div`
  [data-ui='Box']:has(> [data-testid='action-menu-auto-collapse-menu']) {
    flex: 3 1 0%;
  }
`

/**
 * The body editor with a word count and the reading time the site will show under it (#16.5),
 * computed by the very functions the site uses.
 */
export function BodyWordCount(props: ArrayOfObjectsInputProps) {
  const body = (props.value ?? []) as unknown[]
  const words = countWords(portableTextToPlain(body))
  const minutes = readingTimeMinutes(body)
  return (
    <Stack space={2}>
      <ToolbarLayout data-testid="body-input">{props.renderDefault(props)}</ToolbarLayout>
      <Card paddingX={1}>
        <Text size={1} muted data-testid="body-word-count">
          {words.toLocaleString('en')} {words === 1 ? 'word' : 'words'}
          {minutes ? ` · ${minutes} min read` : ''}
        </Text>
      </Card>
    </Stack>
  )
}
