import {postOgImage} from '@/components/site/PostOgImage'

export const size = {width: 1200, height: 630}
export const contentType = 'image/png'
export const alt = 'Post title card'

export default async function PostTwitterImage({params}: {params: Promise<{slug: string}>}) {
  return postOgImage((await params).slug)
}
