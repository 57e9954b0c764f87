import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { missingVulkanLoader } from './webgpu';

describe('missingVulkanLoader', () => {
  const empty = mkdtempSync(join(tmpdir(), 'no-vulkan-'));
  const withLoader = mkdtempSync(join(tmpdir(), 'vulkan-'));
  writeFileSync(join(withLoader, 'libvulkan.so.1'), '');

  it('says why WebGPU cannot start on Linux without the loader', () => {
    expect(missingVulkanLoader('linux', {}, [empty])).toBe(`no Vulkan loader (libvulkan.so.1 not found in ${empty}), so no WebGPU adapter`);
  });

  it('finds the loader in the system folders or on LD_LIBRARY_PATH', () => {
    expect(missingVulkanLoader('linux', {}, [empty, withLoader])).toBeNull();
    expect(missingVulkanLoader('linux', { LD_LIBRARY_PATH: `/nowhere:${withLoader}` }, [empty])).toBeNull();
  });

  it('does not look on other platforms (Dawn uses Metal or D3D12 there)', () => {
    expect(missingVulkanLoader('darwin', {}, [empty])).toBeNull();
  });
});
