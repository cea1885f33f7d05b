import type { AgentConfig } from '../../agent-files';
import type { Platform, Provider } from '../types';
import { anthropicMessages } from './anthropic';
import { agentCommand, agentService } from './agent-service';
import { mockProvider } from './mock';
import { openAICompatible } from './openai';

/** The provider a configuration names. */
export function providerFor(config: AgentConfig, platform: Platform): Provider {
  switch (config.provider) {
    case 'openai-compatible':
      return openAICompatible(platform);
    case 'anthropic':
      return anthropicMessages(platform);
    case 'http':
      return agentService(platform);
    case 'command':
      return agentCommand(platform);
    case 'mock':
      return mockProvider(platform);
  }
}
