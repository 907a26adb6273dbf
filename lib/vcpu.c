// SPDX-License-Identifier: GPL-2.0
/*
 * vcpu.c - vCPU setup and the call loop (see guest.h).
 *
 * __vcpu_call() runs the vCPU until the guest function returns and keeps a
 * list of everything KVM_RUN reported on the way (errno, MMIO exits). A
 * probe that expects KVM_RUN -EFAULT therefore still gets control back:
 * the recovery policy steps the guest past the access.
 */
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "model/stall.h"
#include "processor.h"
#include "kvm_ioctl.h"
#include "stall_trace.h"
#include "verdict.h"
#include "vm.h"

int __vcpu_get_reg(struct vcpu *vcpu, uint64_t id, uint64_t *val)
{
	return kvm_get_one_reg(vcpu->fd, id, val);
}

int __vcpu_set_reg(struct vcpu *vcpu, uint64_t id, uint64_t val)
{
	return kvm_set_one_reg(vcpu->fd, id, val);
}

void vcpu_set_reg(struct vcpu *vcpu, uint64_t id, uint64_t val)
{
	int ret = __vcpu_set_reg(vcpu, id, val);

	if (ret)
		test_fail("KVM_SET_ONE_REG 0x%llx: %s",
			  (unsigned long long)id, strerror(-ret));
}

uint64_t vcpu_get_reg(struct vcpu *vcpu, uint64_t id)
{
	uint64_t val;
	int ret = __vcpu_get_reg(vcpu, id, &val);

	if (ret)
		test_fail("KVM_GET_ONE_REG 0x%llx: %s",
			  (unsigned long long)id, strerror(-ret));
	return val;
}

static void wake(int sig)
{
	(void)sig;	/* only here to make KVM_RUN return -EINTR */
}

/*
 * The deadline signal must hit the thread inside KVM_RUN, so the timer
 * follows whichever thread makes the call.
 */
static void setup_timer(struct vcpu *vcpu)
{
	struct sigaction sa = { .sa_handler = wake };
	struct sigevent sev = {
		.sigev_notify = SIGEV_THREAD_ID,
		.sigev_signo = SIGUSR1,
	};

	if (vcpu->has_timer && vcpu->timer_tid == gettid())
		return;
	sigaction(SIGUSR1, &sa, NULL);	/* no SA_RESTART on purpose */
	if (vcpu->has_timer)
		timer_delete(vcpu->timer);
	vcpu->timer_tid = gettid();
	sev._sigev_un._tid = vcpu->timer_tid;
	vcpu->has_timer = !timer_create(CLOCK_MONOTONIC, &sev, &vcpu->timer);
}

int __vcpu_add(struct vm *vm, struct vcpu **out)
{
	struct kvm_vcpu_init init;
	struct vcpu *vcpu;
	int ret;

	if (vm->nr_vcpus >= GUEST_MAX_VCPUS)
		test_fail("too many vCPUs");
	vcpu = calloc(1, sizeof(*vcpu));
	vcpu->vm = vm;
	vcpu->id = vm->nr_vcpus;
	vcpu->fd = kvm_create_vcpu(vm->fd, vcpu->id);
	if (vcpu->fd < 0) {
		ret = vcpu->fd;
		free(vcpu);
		return ret;
	}
	vcpu->run_size = kvm_vcpu_mmap_size();
	vcpu->run = mmap(NULL, vcpu->run_size, PROT_READ | PROT_WRITE,
			 MAP_SHARED, vcpu->fd, 0);
	if (vcpu->run == MAP_FAILED)
		test_fail("mmap kvm_run: %s", strerror(errno));
	ret = kvm_vcpu_preferred_target(vm->fd, &init);
	if (!ret) {
		init.features[0] |= 1u << KVM_ARM_VCPU_PSCI_0_2;
		if (vm->el2)
			init.features[0] |= 1u << KVM_ARM_VCPU_HAS_EL2;
		ret = kvm_vcpu_init(vcpu->fd, &init);
	}
	if (ret)
		test_fail("KVM_ARM_VCPU_INIT: %s", strerror(-ret));
	vcpu->cpu = vm_gpa2hva(vm, GUEST_CPU_BASE +
			       vcpu->id * GUEST_CPU_STRIDE);
	memset(vcpu->cpu, 0, sizeof(*vcpu->cpu));
	vcpu->cpu->id = vcpu->id;
	vcpu_arch_setup(vcpu);
	vm->vcpus[vm->nr_vcpus++] = vcpu;
	*out = vcpu;
	return 0;
}

struct vcpu *vcpu_add(struct vm *vm)
{
	struct vcpu *vcpu;
	int ret = __vcpu_add(vm, &vcpu);

	if (ret)
		test_fail("KVM_CREATE_VCPU: %s", strerror(-ret));
	return vcpu;
}

void vcpu_destroy(struct vcpu *vcpu)
{
	if (vcpu->has_timer)
		timer_delete(vcpu->timer);
	munmap(vcpu->run, vcpu->run_size);
	close(vcpu->fd);
	free(vcpu);
}

const char *call_status_name(enum call_status s)
{
	static const char *const names[] = {
		[CALL_OK] = "ok", [CALL_ASSERT] = "guest assertion",
		[CALL_UNHANDLED] = "unhandled guest exception",
		[CALL_STOPPED] = "stopped", [CALL_TIMEOUT] = "timeout",
		[CALL_ERROR] = "error", [CALL_STALL] = "stall",
	};

	return names[s];
}

static void add_event(struct vcpu *vcpu, struct call *c, struct outcome o)
{
	struct run_event *ev;

	if (c->nevents >= CALL_MAX_EVENTS) {
		c->status = CALL_ERROR;
		snprintf(c->msg, sizeof(c->msg),
			 "more than %d KVM_RUN events in one call",
			 CALL_MAX_EVENTS);
		return;
	}
	ev = &c->events[c->nevents++];
	ev->what = o;
	__vcpu_get_reg(vcpu, REG_PC, &ev->pc);
}

/* Step the guest past an access KVM refused to complete. */
static void recover(struct vcpu *vcpu, enum recover how)
{
	if (how == RECOVER_SKIP) {
		vcpu_set_reg(vcpu, REG_PC, vcpu_get_reg(vcpu, REG_PC) + 4);
	} else if (how == RECOVER_RETURN) {
		vcpu_set_reg(vcpu, REG_PC, vcpu_get_reg(vcpu, REG_X(30)));
		vcpu_set_reg(vcpu, REG_X(0), GUEST_EXEC_FAULTED);
	}
}

static void guest_report(struct vcpu *vcpu, struct call *c, uint64_t cmd)
{
	struct ucall *uc = &vcpu->cpu->uc;

	if (cmd == UCALL_ASSERT) {
		c->status = CALL_ASSERT;
		snprintf(c->msg, sizeof(c->msg),
			 "guest assertion '%s' failed at %s:%llu "
			 "(0x%llx vs 0x%llx)", uc->expr, uc->file,
			 (unsigned long long)uc->line,
			 (unsigned long long)uc->vals[0],
			 (unsigned long long)uc->vals[1]);
	} else {
		c->status = CALL_UNHANDLED;
		snprintf(c->msg, sizeof(c->msg),
			 "unexpected guest exception: vector %llu ESR 0x%llx "
			 "(EC 0x%llx FSC 0x%llx) FAR 0x%llx ELR 0x%llx",
			 (unsigned long long)uc->vals[0],
			 (unsigned long long)uc->vals[1],
			 (unsigned long long)ESR_EC(uc->vals[1]),
			 (unsigned long long)ESR_FSC(uc->vals[1]),
			 (unsigned long long)uc->vals[2],
			 (unsigned long long)uc->vals[3]);
	}
}

/* Returns true when the run loop should stop. */
static bool handle_ucall(struct vcpu *vcpu, struct call *c, uint64_t want)
{
	uint64_t cmd = vcpu->cpu->uc.cmd;

	if (vcpu->run->mmio.len != 8 || !vcpu->run->mmio.is_write) {
		c->status = CALL_ERROR;
		snprintf(c->msg, sizeof(c->msg), "malformed ucall access");
		return true;
	}
	if (cmd == want)
		return true;
	if (cmd == UCALL_ASSERT || cmd == UCALL_UNHANDLED) {
		guest_report(vcpu, c, cmd);
		return true;
	}
	c->status = CALL_ERROR;
	snprintf(c->msg, sizeof(c->msg), "ucall %llu while waiting for %llu",
		 (unsigned long long)cmd, (unsigned long long)want);
	return true;
}

static bool handle_exit(struct vcpu *vcpu, struct call *c, uint64_t want)
{
	struct kvm_run *run = vcpu->run;

	switch (run->exit_reason) {
	case KVM_EXIT_MMIO:
		if (run->mmio.phys_addr == GUEST_UCALL_GPA)
			return handle_ucall(vcpu, c, want);
		add_event(vcpu, c, out_exit(KVM_EXIT_MMIO,
					    run->mmio.phys_addr,
					    run->mmio.is_write));
		if (!run->mmio.is_write)
			memcpy(run->mmio.data, &c->mmio_read_value,
			       sizeof(run->mmio.data));
		break;
	case KVM_EXIT_ARM_NISV:
		add_event(vcpu, c, out_exit(KVM_EXIT_ARM_NISV,
					    run->arm_nisv.fault_ipa, false));
		recover(vcpu, c->recover);
		break;
	default:
		add_event(vcpu, c, out_exit(run->exit_reason, 0, false));
		c->status = CALL_ERROR;
		snprintf(c->msg, sizeof(c->msg), "unexpected exit reason %u",
			 run->exit_reason);
		return true;
	}
	if (c->recover == RECOVER_NONE && c->status == CALL_OK)
		c->status = CALL_STOPPED;
	return c->status != CALL_OK;
}

static void arm_timer(struct vcpu *vcpu, const struct timespec *when)
{
	struct itimerspec its = { .it_value = *when };

	if (vcpu->has_timer)
		timer_settime(vcpu->timer, TIMER_ABSTIME, &its, NULL);
}

static uint64_t ts_ms(const struct timespec *t)
{
	return (uint64_t)t->tv_sec * 1000 + t->tv_nsec / 1000000;
}

static uint64_t now_ms(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return ts_ms(&now);
}

static bool past(const struct timespec *deadline)
{
	return now_ms() >= ts_ms(deadline);
}

/* The deadline, or the next stall sample if that comes first. */
static void arm_tick(struct vcpu *vcpu, const struct timespec *deadline)
{
	uint64_t next = now_ms() + STALL_SAMPLE_MS;
	struct timespec t = {
		.tv_sec = next / 1000, .tv_nsec = (next % 1000) * 1000000L,
	};

	arm_timer(vcpu, next < ts_ms(deadline) ? &t : deadline);
}

/* The vCPU's architectural state and exit count, now. */
static bool take_sample(struct vcpu *vcpu, struct stall_sample *s)
{
	uint64_t v;
	int i;

	s->t_ms = now_ms();
	if (__vcpu_stat(vcpu, VCPU_STAT_EXITS, &s->exits) ||
	    __vcpu_get_reg(vcpu, REG_PC, &s->pc) ||
	    __vcpu_get_reg(vcpu, REG_PSTATE, &v))
		return false;
	s->state = stall_hash(stall_hash(0, s->pc), v);
	for (i = 0; i < 31; i++) {
		if (__vcpu_get_reg(vcpu, REG_X(i), &v))
			return false;
		s->state = stall_hash(s->state, v);
	}
	return true;
}

/* Run the stalled vCPU a little longer under the tracepoints. */
#define STALL_TRACE_MS	500

static void trace_stall(struct vcpu *vcpu, char *buf, size_t n)
{
	uint64_t end = now_ms() + STALL_TRACE_MS;
	struct timespec t = {
		.tv_sec = end / 1000, .tv_nsec = (end % 1000) * 1000000L,
	};
	struct stall_trace tr;

	stall_trace_begin(&tr);
	arm_timer(vcpu, &t);
	while (now_ms() < end && kvm_run(vcpu->fd) == -EINTR)
		;
	stall_trace_end(&tr, buf, n);
}

static void report_stall(struct vcpu *vcpu, struct call *c,
			 const struct stall_watch *w)
{
	const struct stall_sample *s = &w->ring[w->nring - 1];
	char trace[224];

	trace_stall(vcpu, trace, sizeof(trace));
	c->status = CALL_STALL;
	snprintf(c->msg, sizeof(c->msg), "vCPU %d made no progress for "
		 "%.1f s at pc 0x%llx while KVM exited it %llu times "
		 "(%llu in the last second); %s", vcpu->id,
		 stall_for_ms(w) / 1000.0, (unsigned long long)s->pc,
		 (unsigned long long)(s->exits - w->since.exits),
		 (unsigned long long)stall_exit_rate(w), trace);
}

static void run_until(struct vcpu *vcpu, struct call *c, uint64_t want,
		      const struct timespec *deadline)
{
	struct stall_watch watch = { 0 };
	struct stall_sample s;
	int ret;

	while (c->status == CALL_OK) {
		arm_tick(vcpu, deadline);
		ret = kvm_run(vcpu->fd);
		if (ret == -EINTR) {
			if (past(deadline))
				c->status = CALL_TIMEOUT;
			else if (take_sample(vcpu, &s) &&
				 stall_update(&watch, &s))
				report_stall(vcpu, c, &watch);
			continue;
		}
		/* Back in userspace for a reason: that is progress. */
		watch.started = false;
		if (ret < 0) {
			add_event(vcpu, c, out_run_errno(-ret));
			if (c->recover == RECOVER_NONE) {
				if (c->status == CALL_OK)
					c->status = CALL_STOPPED;
				break;
			}
			recover(vcpu, c->recover);
			continue;
		}
		if (handle_exit(vcpu, c, want))
			break;
	}
	arm_timer(vcpu, &(struct timespec){ 0 });
}

enum call_status __vcpu_call_argv(struct vcpu *vcpu, struct call *c,
				  void *fn, const uint64_t *args, int nargs)
{
	struct ucall *uc = &vcpu->cpu->uc;
	struct timespec deadline;
	int i, ms = c->timeout_ms ? c->timeout_ms : CALL_DEFAULT_TIMEOUT_MS;

	c->status = CALL_OK;
	c->nevents = 0;
	c->msg[0] = 0;
	if (vcpu->broken) {
		c->status = CALL_ERROR;
		snprintf(c->msg, sizeof(c->msg),
			 "vCPU unusable after an earlier failed call");
		return c->status;
	}
	if (vm_el2_ready(vcpu->vm)) {
		c->status = CALL_ERROR;
		snprintf(c->msg, sizeof(c->msg), "vGICv3 init failed");
		return c->status;
	}
	setup_timer(vcpu);
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += ms / 1000;
	deadline.tv_nsec += (ms % 1000) * 1000000L;
	if (deadline.tv_nsec >= 1000000000L) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000L;
	}
	if (!vcpu->idle)
		run_until(vcpu, c, UCALL_IDLE, &deadline);
	if (c->status != CALL_OK) {
		vcpu->broken = true;
		return c->status;
	}
	/* In L2: L1 runs l2_call(fn, args...), which has one fewer. */
	if (vcpu->in_l2) {
		if (nargs > 5) {
			c->status = CALL_ERROR;
			snprintf(c->msg, sizeof(c->msg),
				 "an L2 call takes at most 5 arguments");
			return c->status;
		}
		uc->fn = (uint64_t)(uintptr_t)l2_call;
		uc->args[0] = (uint64_t)(uintptr_t)fn;
		for (i = 1; i < 6; i++)
			uc->args[i] = i <= nargs ? args[i - 1] : 0;
	} else {
		uc->fn = (uint64_t)(uintptr_t)fn;
		for (i = 0; i < 6; i++)
			uc->args[i] = i < nargs ? args[i] : 0;
	}
	uc->flush_tlb = vcpu->s1_gen != vcpu->vm->s1_gen;
	uc->pt_end = vcpu->vm->pt_next;
	vcpu->s1_gen = vcpu->vm->s1_gen;
	vcpu->idle = false;
	run_until(vcpu, c, UCALL_RETURN, &deadline);
	if (c->status == CALL_OK)
		c->ret = uc->ret;
	else
		vcpu->broken = true;
	return c->status;
}

uint64_t vcpu_call_argv(struct vcpu *vcpu, void *fn, const uint64_t *args,
			int nargs)
{
	struct call c = { .recover = RECOVER_NONE };
	char ev[64];

	__vcpu_call_argv(vcpu, &c, fn, args, nargs);
	if (c.status == CALL_STOPPED) {
		outcome_format(&c.events[0].what, ev, sizeof(ev));
		test_fail("guest call stopped by %s at pc 0x%llx", ev,
			  (unsigned long long)c.events[0].pc);
	}
	if (c.status != CALL_OK)
		test_fail("guest call: %s: %s", call_status_name(c.status),
			  c.msg);
	return c.ret;
}
