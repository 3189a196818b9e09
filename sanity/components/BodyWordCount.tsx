import {Card, Stack, Text} from '@sanity/ui'
import type {ArrayOfObjectsInputProps} from 'sanity'
import {countWords, portableTextToPlain, readingTimeMinutes} from '@/lib/site/reading-time'

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
      {props.renderDefault(props)}
      <Card paddingX={1}>
        <Text size={1} muted data-testid="body-word-count">
          {words.toLocaleString('en')} {words === 1 ? 'word' : 'words'}
          {minutes ? ` · ${minutes} min read` : ''}
        </Text>
      </Card>
    </Stack>
  )
}
