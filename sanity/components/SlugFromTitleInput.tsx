import {useEffect, useRef} from 'react'
import {getPublishedId, set, useEditState, useFormValue, type SlugInputProps} from 'sanity'
import {slugify} from '@/sanity/lib/slugify'

/**
 * The slug field, filled in from the title as the editor types it (#16.5) — but only while the
 * post has never been published (afterwards a new slug would break links) and only while the slug
 * still is what the title gave, so a slug the editor wrote by hand is never overwritten.
 */
export function SlugFromTitleInput(props: SlugInputProps) {
  const {onChange, value, renderDefault} = props
  const title = useFormValue(['title']) as string | undefined
  const id = useFormValue(['_id']) as string | undefined
  const {published} = useEditState(getPublishedId(id ?? ''), 'post')
  const previousTitle = useRef(title)

  useEffect(() => {
    const before = previousTitle.current
    previousTitle.current = title
    if (published || title === before || typeof title !== 'string') return
    const current = value?.current ?? ''
    // Untouched: empty, or exactly what the previous title produced.
    if (current !== '' && current !== slugify(before ?? '')) return
    const next = slugify(title)
    if (next !== current) onChange(set({_type: 'slug', current: next}))
  }, [title, published, value, onChange])

  return renderDefault(props)
}
