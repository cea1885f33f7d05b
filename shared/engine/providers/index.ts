import type { AgentConfig } from '../../agent-files';
import type { Platform, Provider } from '../types';
import { agentCommand, agentService } from './agent-service';
import { mockProvider } from './mock';

/** The provider a configuration names. The SDK-backed ones load on first use: each costs startup time. */
export async function providerFor(config: AgentConfig, platform: Platform): Promise<Provider> {
  switch (config.provider) {
    case 'openai-compatible':
      return (await import('./openai')).openAICompatible(platform);
    case 'anthropic':
      return (await import('./anthropic')).anthropicMessages(platform);
    case 'http':
      return agentService(platform);
    case 'command':
      return agentCommand(platform);
    case 'mock':
      return mockProvider(platform);
  }
}
