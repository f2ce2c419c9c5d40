// Model families that cannot hold a chat: embeddings, speech, images, video, moderation,
// legacy completion-only models, realtime/computer-use models that need other APIs, rerankers.
const NOT_CHAT = [
  /embed/i,
  /\btts\b|-tts|tts-/i,
  /whisper|transcribe|speech/i,
  /dall-e|gpt-image|imagen|image-generation|-image\b|chatgpt-image/i,
  /\bveo\b|veo-|sora/i,
  /moderation/i,
  /^(models\/)?(babbage|davinci|ada|curie)(-\d+)?$/i,
  /^gpt-3\.5-turbo-instruct/i,
  /(^|\/)(bge|gte|e5)-|minilm/i,
  /realtime|native-audio|-live\b|live-/i,
  /computer-use/i,
  /rerank|\baqa\b/i,
];

/** True when a model id names a chat-capable model (best effort for servers that say nothing else). */
export function isChatModelId(id: string): boolean {
  return !NOT_CHAT.some((pattern) => pattern.test(id));
}
