import {describe, expect, it} from 'vitest'
import {navigationCategories, NAV_CATEGORY_LIMIT} from '@/lib/site/navigation'

const category = (id: string, slug: string | null = id) => ({_id: id, title: id.toUpperCase(), slug})

describe('navigationCategories', () => {
  it('keeps only categories that visible posts use, in the query order', () => {
    const result = {categories: [category('a'), category('b'), category('c')], used: ['c', 'a', null]}
    expect(navigationCategories(result).map((c) => c._id)).toEqual(['a', 'c'])
  })

  it('drops categories without a slug and caps the list', () => {
    const many = Array.from({length: 30}, (_, i) => category(`c${i}`))
    const result = {categories: [category('x', null), ...many], used: ['x', ...many.map((c) => c._id)]}
    const nav = navigationCategories(result)
    expect(nav).toHaveLength(NAV_CATEGORY_LIMIT)
    expect(nav.some((c) => c._id === 'x')).toBe(false)
  })

  it('copes with an empty or missing result', () => {
    expect(navigationCategories(null)).toEqual([])
    expect(navigationCategories({categories: [category('a')], used: null})).toEqual([])
  })
})
